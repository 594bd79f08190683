-- What the call said beyond the brief (#23): next steps, action items, outcome and
-- outline, as JSON; NULL when Gong sent none of it.
ALTER TABLE activities ADD COLUMN content TEXT;
