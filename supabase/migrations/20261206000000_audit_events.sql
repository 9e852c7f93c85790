-- The audit trail: one row per answered request to a HealthNav function.
--
-- A row says who called which function, when, with what outcome: never a
-- request or response body, a field value or a token. Every text column has
-- a CHECK that keeps it to the shape of an identifier, so a bug that tried
-- to write a body, a name or a symptom into it fails instead of storing it.
--
-- Only the functions (connecting as `postgres`, which bypasses RLS on
-- Supabase) and operators read or write it. `anon`, `authenticated` and
-- `service_role` get no privilege on the schema, RLS is enabled and forced,
-- and there is no policy: the Data API can neither read nor write it, even
-- if someone later exposes the schema or grants a privilege by mistake.
--
-- See docs/audit-and-quotas.md for queries, retention and scheduling.

create schema audit;
comment on schema audit is
  'HealthNav audit trail and per-caller quotas; not for the Data API.';

-- Whether every item of a text array matches a pattern (CHECKs cannot hold
-- a subquery; a function can).
create function audit.all_match(items text[], pattern text)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select coalesce(bool_and(item ~ pattern), true) from unnest(items) as item
$$;

create table audit.events (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null default now(),
  -- One row per request: a retried write cannot make a second one.
  request_id text not null unique
    check (request_id ~ '^[A-Za-z0-9._:-]{1,64}$'),
  -- The verified caller's JWT `sub`. Text rather than uuid: Supabase's
  -- subs are uuids, but the column also takes other issuers' opaque ids.
  -- Null when the request was refused before a caller was verified, or
  -- when anonymous callers are allowed and this one named no one.
  caller_id text
    check (caller_id ~ '^[A-Za-z0-9._:|-]{1,128}$'),
  function text not null
    check (function ~ '^[a-z][a-z0-9-]{0,62}$'),
  -- SageMaker endpoint and production variant names (AWS: 1-63 of
  -- [A-Za-z0-9-]); null when the request was refused before one was chosen.
  endpoint text
    check (endpoint ~ '^[A-Za-z0-9-]{1,63}$'),
  variant text
    check (variant ~ '^[A-Za-z0-9-]{1,63}$'),
  status smallint not null
    check (status between 100 and 599),
  -- The problem+json `code` of a refused or failed request.
  error_code text
    check (error_code ~ '^[a-z][a-z0-9_]{0,63}$'),
  latency_ms integer not null
    check (latency_ms between 0 and 86400000),
  -- SageMaker attempts made (0 when none was); null when not applicable.
  attempts smallint
    check (attempts between 0 and 100),
  -- Ids of the red-flag rules a request raised (a rule set holds at most
  -- 500), never their inputs.
  red_flags text[] not null default '{}'
    check (
      cardinality(red_flags) <= 500
      and coalesce(array_ndims(red_flags), 1) = 1
      and array_position(red_flags, null) is null
      and audit.all_match(red_flags, '^[a-z0-9_.:-]{1,64}$')
    ),
  -- Batches only: how many patients the request carried (1-100 today) and
  -- the zero-based slots that were refused.
  batch_size smallint
    check (batch_size between 1 and 1000),
  refused_slots integer[]
    check (
      refused_slots is null
      or (
        batch_size is not null
        and coalesce(array_ndims(refused_slots), 1) = 1
        and cardinality(refused_slots) <= batch_size
        and array_position(refused_slots, null) is null
        and 0 <= all (refused_slots)
        and batch_size > all (refused_slots)
      )
    )
);

comment on table audit.events is
  'One row per answered HealthNav function request: metadata only, never a body, field value or token.';

-- "One patient's accesses over a period": an equality on caller_id and a
-- range on occurred_at, served by one index range scan.
create index events_caller_time on audit.events (caller_id, occurred_at);
-- Retention deletes by age; rows arrive in time order, so a BRIN index
-- finds old ones for almost no space or write cost.
create index events_time_brin on audit.events using brin (occurred_at);

alter table audit.events enable row level security;
alter table audit.events force row level security;

revoke all on schema audit from public, anon, authenticated, service_role;
revoke all on all tables in schema audit
  from public, anon, authenticated, service_role;
revoke all on all sequences in schema audit
  from public, anon, authenticated, service_role;

-- Retention: deletes the rows older than `older_than` and returns how many.
-- The period is the operator's policy; schedule it on Supabase with pg_cron
-- (docs/audit-and-quotas.md), e.g. daily, keeping six years:
--   select cron.schedule('audit-retention', '17 3 * * *',
--     $$select audit.purge_events(interval '6 years')$$);
-- pg_cron is not required here: PGlite and Debian's server do not ship it.
create function audit.purge_events(older_than interval)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  purged bigint;
begin
  if older_than is null or older_than < interval '1 day' then
    raise exception using
      errcode = '22023',
      message = 'audit.purge_events keeps at least one day of events';
  end if;
  delete from audit.events where occurred_at < now() - older_than;
  get diagnostics purged = row_count;
  return purged;
end;
$$;

comment on function audit.purge_events(interval) is
  'Deletes audit events older than the given interval (at least 1 day); returns the count.';

revoke all on function audit.purge_events(interval)
  from public, anon, authenticated, service_role;
revoke all on function audit.all_match(text[], text)
  from public, anon, authenticated, service_role;
