chips list
