-- Token credentials name the origins they may be sent to (a Consul target pointed elsewhere by
-- a maintainer must not receive a token they cannot read).
ALTER TABLE "Credential" ADD COLUMN     "allowedOrigins" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Existing tokens keep working where they are used today: each may be sent to the Consul
-- addresses (consulUrl and agents) of the targets that use it at upgrade time. Origin:
-- scheme://host[:port], without user info, path or query (the API compares URL origins).
UPDATE "Credential" c
SET "allowedOrigins" = used.origins
FROM (
  SELECT t."credentialId" AS id,
         array_agg(DISTINCT lower(regexp_replace(u.url, '^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@]*@)?([^/?#]+).*$', '\1\3'))) AS origins
  FROM "Target" t
  CROSS JOIN LATERAL (
    SELECT t.config ->> 'consulUrl' AS url
    UNION ALL
    SELECT jsonb_array_elements_text(
      CASE WHEN jsonb_typeof(t.config -> 'agents') = 'array' THEN t.config -> 'agents' ELSE '[]'::jsonb END)
  ) u
  WHERE t.kind = 'consul' AND t."credentialId" IS NOT NULL AND u.url IS NOT NULL
  GROUP BY t."credentialId"
) used
WHERE c.id = used.id AND c.kind = 'token';
