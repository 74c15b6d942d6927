const unsigned char k[] = {};
