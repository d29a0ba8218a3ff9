plot tpp-pd H20
