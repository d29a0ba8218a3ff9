report H20 -o /nonexistent-dir/report.html
