"""The run record: its schema (``schema``), the folder of record files (``store``) and the per-item outcomes
inside a record (``items``). Running writes records; results reads them."""
