report H100 --model no-such-model -o -
