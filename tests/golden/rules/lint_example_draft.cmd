lint examples/draft-bandwidth-cap.rules
