draft --catch H20 --spare L20 --base us-2099
