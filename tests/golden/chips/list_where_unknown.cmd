chips list --where 'pd>=5.92' --vendor google
