-- Generates the pseudonym key once, inside the warehouse, if the table holds none: re-running it changes nothing
-- (a new key would change every pseudonym). 32 random bytes: SHA-256 over three AES-GCM encryptions, whose 12-byte
-- initialisation vectors are random when none is given (aes_encrypt), plus a UUID. The key is padded to the
-- 64-byte SHA-256 block and stored XOR 0x36 (inner) and XOR 0x5c (outer), as HMAC (RFC 2104) uses it.
INSERT INTO {{table}} (inner_pad, outer_pad, created_at)
SELECT inner_pad, outer_pad, current_timestamp() FROM (
SELECT
  concat_ws('', transform(sequence(0, 63), i -> lpad(hex(coalesce(cast(conv(substr(k, 2 * i + 1, 2), 16, 10) AS INT), 0) ^ 54), 2, '0'))) AS inner_pad,
  concat_ws('', transform(sequence(0, 63), i -> lpad(hex(coalesce(cast(conv(substr(k, 2 * i + 1, 2), 16, 10) AS INT), 0) ^ 92), 2, '0'))) AS outer_pad
FROM (SELECT sha2(concat(aes_encrypt(X'00', X'000102030405060708090A0B0C0D0E0F', 'GCM'), aes_encrypt(X'00', X'000102030405060708090A0B0C0D0E0F', 'GCM'), aes_encrypt(X'00', X'000102030405060708090A0B0C0D0E0F', 'GCM'), encode(uuid(), 'UTF-8')), 256) AS k)
) WHERE NOT EXISTS (SELECT 1 FROM {{table}})
