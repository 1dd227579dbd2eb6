-- A throwaway 100k-article / 1M-comment archive for timing the listings, sitemaps and
-- article admin (issue 9). Run against a freshly migrated, empty database:
--   psql -h 127.0.0.1 -U postgres newsroom_listings_scale -f bench/listings_fill.sql
-- Short bodies and no pictures: the listings read neither. `generate_archive` makes the
-- realistic archive; this only has its shape where listings care (sizes, skew, dates).
BEGIN;
INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email,
                       is_staff, is_active, date_joined)
SELECT i, '!', i = 1, 'author' || i, 'First' || i, 'Last' || i, 'author' || i || '@example.com',
       true, true, now() - interval '11 years'
FROM generate_series(1, 60) AS i;
SELECT setval(pg_get_serial_sequence('auth_user', 'id'), 60);

INSERT INTO articles_tag (id, name, slug, description)
SELECT i, 'Topic ' || i, 'topic-' || i, '' FROM generate_series(1, 500) AS i;
SELECT setval(pg_get_serial_sequence('articles_tag', 'id'), 500);

-- 100,000 published over ten years (about one every 53 minutes), 1,000 drafts, 10 scheduled.
INSERT INTO articles_article (id, headline, slug, standfirst, body, body_text, byline, status,
                              published_at, updated_at, allow_comments, created_at, modified_at)
SELECT i, 'Headline number ' || i, 'headline-number-' || i, 'Standfirst for story ' || i || '.',
       '<p>Body of story ' || i || '.</p>', 'Body of story ' || i || '.', '',
       CASE WHEN i > 100010 THEN 'draft' ELSE 'published' END,
       CASE WHEN i > 100010 THEN NULL
            WHEN i > 100000 THEN now() + (i - 100000) * interval '1 hour'
            ELSE now() - interval '1 hour' - (100000 - i) * interval '3155 seconds'
                 -- a few share a second, as imports do
                 + CASE WHEN i % 97 = 0 THEN interval '1 second' * 0 ELSE interval '0' END
       END,
       NULL, true, now() - interval '10 years', now()
FROM generate_series(1, 101010) AS i;
-- Ties on published_at, so the id tie-break is exercised at scale.
UPDATE articles_article a SET published_at = b.published_at
FROM articles_article b WHERE a.id % 97 = 0 AND b.id = a.id - 1 AND a.id <= 100000;
SELECT setval(pg_get_serial_sequence('articles_article', 'id'), 101010);

-- Authors: 50 reporters, about 2,000 articles each.
INSERT INTO articles_articleauthor (article_id, author_id, position)
SELECT i, 1 + i % 50, 0 FROM generate_series(1, 101010) AS i;

-- Tags: topic-1 on every fourth article (about 25,000), every article one more of 499,
-- every third a third tag.
INSERT INTO articles_article_tags (article_id, tag_id)
SELECT i, 1 FROM generate_series(4, 101010, 4) AS i;
INSERT INTO articles_article_tags (article_id, tag_id)
SELECT i, 2 + i % 499 FROM generate_series(1, 101010) AS i;
INSERT INTO articles_article_tags (article_id, tag_id)
SELECT i, 2 + (i / 3 * 7) % 499 FROM generate_series(3, 101010, 3) AS i
ON CONFLICT DO NOTHING;

-- 1,000,000 comments, as the issue measured them: 40 articles with 2,000-3,600 (one
-- of them among the oldest ten, so the last page of home carries a big thread), the
-- rest spread over every article; 5% pending or spam.
INSERT INTO comments_comment (status, name, email, website, text, ip_address, user_agent,
                              created, article_id)
SELECT CASE WHEN i % 20 = 0 THEN 'pending' WHEN i % 41 = 0 THEN 'spam' ELSE 'approved' END,
       'Reader ' || i, 'reader' || (i % 5000) || '@example.com', '', 'Comment number ' || i || '.',
       '192.0.2.1', '', now() - interval '1 day',
       CASE WHEN i <= 112000 THEN 3 + (i % 40) * 2477 ELSE 1 + (i::bigint * 7919) % 100000 END
FROM generate_series(1, 1000000) AS i;

INSERT INTO articles_correction (article_id, kind, text, created)
SELECT i * 50, 'correction', 'An earlier version misspelled a name.', now() - (2000 - i) * interval '1 hour'
FROM generate_series(1, 2000) AS i;
COMMIT;
VACUUM ANALYZE;
