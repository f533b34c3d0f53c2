-- count-attributes-1m as a DuckDB user would write it by hand (the peer's "hand-written" SQL).
SELECT contact_id
FROM contacts
WHERE civility = 'Mrs'
  AND newsletter
  AND NOT won
  AND country IN ('FR', 'BE', 'CH', 'LU')
  AND participation_date BETWEEN DATE '2026-01-01' AND DATE '2026-06-30'
  AND (email ILIKE '%.fr%' OR email ILIKE '%.org%')
