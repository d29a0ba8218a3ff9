envelope show
