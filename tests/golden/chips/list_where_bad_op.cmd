chips list --where 'tpp=>4800'
