chips show 910c
