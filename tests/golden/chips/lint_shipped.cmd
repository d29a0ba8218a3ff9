chips lint chipdb/chips
