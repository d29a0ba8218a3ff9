chips show biren-br100
