chips show H20
