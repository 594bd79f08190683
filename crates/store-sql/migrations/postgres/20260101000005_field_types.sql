-- Field types declared in import headers (`arr:number`, T5); undeclared fields get
-- their type from their values.
CREATE TABLE field_types (
    object      TEXT NOT NULL,               -- Company or User
    field_key   TEXT NOT NULL,               -- lowercase field name
    field       TEXT NOT NULL,
    field_type  TEXT NOT NULL,               -- text, number, date, boolean
    PRIMARY KEY (object, field_key)
);
