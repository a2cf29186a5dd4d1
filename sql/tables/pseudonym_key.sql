-- The key of the identifier mask's HMAC-SHA256, as its two padded blocks (the key XOR 0x36 and XOR 0x5c, RFC 2104),
-- in hex. One row, generated in the warehouse by sql/keys/pseudonym_key.sql: the key never leaves it. Readable by
-- the function owner and platform admins only: the masks read it as their owner (a function body runs with the
-- authorization of the function's owner), nobody else is granted it.
CREATE TABLE IF NOT EXISTS {{table}} (
  inner_pad STRING NOT NULL COMMENT 'HMAC inner block: the 64-byte padded key XOR 0x36, in hex.',
  outer_pad STRING NOT NULL COMMENT 'HMAC outer block: the 64-byte padded key XOR 0x5c, in hex.',
  created_at TIMESTAMP NOT NULL COMMENT 'When the key was generated.'
)
COMMENT 'lakemesh: key of the identifier pseudonyms (HMAC-SHA256); never granted'
TBLPROPERTIES ('lakemesh.schema_version' = '1', 'delta.enableChangeDataFeed' = 'false')
