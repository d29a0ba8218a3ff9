report H20 --regime current -o -
