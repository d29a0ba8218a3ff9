plot tpp-pd --specs tests/data/plot_empty.csv -o -
