plot tpp-pd H20 -o /nonexistent-dir/chart.svg
