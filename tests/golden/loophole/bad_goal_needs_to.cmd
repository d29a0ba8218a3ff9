loophole us-2023-10 --goal no-licence --year 2024
