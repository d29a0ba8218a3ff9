plot tpp-pd H20 -o tests
