-- A small demo layer so /tiles/ has something to serve on day one (managed by generator-portal).
-- It lives in the schema `tiles`, the only one the tileserver reads. Drop it once your own tables are loaded: DROP TABLE tiles.demo_places;
CREATE SCHEMA IF NOT EXISTS tiles;
CREATE TABLE IF NOT EXISTS tiles.demo_places (
    id serial PRIMARY KEY,
    name text NOT NULL,
    geom geometry(Point, 4326) NOT NULL
);
CREATE INDEX IF NOT EXISTS demo_places_geom_idx ON tiles.demo_places USING gist (geom);
INSERT INTO tiles.demo_places (name, geom)
SELECT v.name, ST_SetSRID(ST_MakePoint(v.lon, v.lat), 4326)
FROM (VALUES ('Greenwich', 0.0, 51.4779), ('Null Island', 0.0, 0.0), ('Quito', -78.4678, -0.1807)) AS v(name, lon, lat)
WHERE NOT EXISTS (SELECT 1 FROM tiles.demo_places);
