chips show h10
