chips lint tests/bad_chips/punctuation_clash
