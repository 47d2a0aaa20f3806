CREATE TABLE needlelog_placeholder (x int);
