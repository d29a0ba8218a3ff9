plot roofline H100,H20 --model no-such-model -o -
