plot tpp-pd H20 --regime us-2099 -o -
