-- count-events-1m as a DuckDB user would write it by hand: the last 30 days of the reference
-- date in Europe/Brussels (2026-10-16 13:00 CEST to 2026-11-15 13:00 CET) as UTC literals.
SELECT contact_id
FROM events
WHERE type = 'page_view'
  AND target LIKE '%/offer%'
  AND "at" BETWEEN TIMESTAMP '2026-10-16 11:00:00' AND TIMESTAMP '2026-11-15 12:00:00'
GROUP BY contact_id
HAVING count(*) >= 3
