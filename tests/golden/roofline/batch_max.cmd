roofline L40S --model gemma-2-9b --input 6000 --output 2000 --batch max,1
