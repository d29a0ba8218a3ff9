chips export --format csv H20 MI300X B200
