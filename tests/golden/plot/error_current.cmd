plot tpp-pd --regime current -o -
