chips list --where 'tpp>=4800 and densty<5'
