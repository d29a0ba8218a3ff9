report NoSuchChip -o -
