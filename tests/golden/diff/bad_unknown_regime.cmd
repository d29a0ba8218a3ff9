diff us-2022-10 us-2099 --to CN
