chips list --datacenter no
