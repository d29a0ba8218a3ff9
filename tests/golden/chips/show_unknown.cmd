chips show quantum-9000
