-- Per-caller quotas: how many calls one caller may make to one function per
-- minute, counted in the project's database so that every function instance
-- (isolate) shares one count and one clock.
--
-- Window: fixed one-minute windows aligned to the database clock's minute
-- (date_bin from the epoch, so the session's time zone cannot shift them).
-- One counter row per caller, function and minute, updated by a single
-- INSERT ... ON CONFLICT DO UPDATE, which Postgres makes atomic: concurrent
-- calls for the same key queue on that row's lock and each sees the count
-- the previous one committed, so no more than the limit are ever admitted,
-- however many instances ask at once. A sliding window (a row per call, or
-- a weighted pair of windows) would smooth the edges but needs a count over
-- many rows or two rows read together, which is no longer one atomic
-- statement. The price of fixed windows: a caller may spend a minute's
-- quota at the end of one window and again at the start of the next, up to
-- twice the limit within a few seconds; the quota bounds sustained use
-- (SageMaker spend), not bursts. Retry-After is the time to the window's end.
--
-- Only calls that are admitted are counted: a refused call updates nothing,
-- so a client hammering a refused quota cannot grow the count.
--
-- Unlogged: the counters are written on every call and worth nothing after
-- their minute, so they skip the write-ahead log. A transaction that writes
-- only unlogged tables commits without waiting for a disk flush, which takes
-- the quota check off the disk's latency; the price is that a database crash
-- empties the current minute's counts (a quota restarts, no call is lost).
-- The audit rows themselves stay fully durable.

create unlogged table audit.call_counts (
  caller_id text not null
    check (caller_id ~ '^[A-Za-z0-9._:|-]{1,128}$'),
  function text not null
    check (function ~ '^[a-z][a-z0-9-]{0,62}$'),
  window_start timestamptz not null,
  calls integer not null check (calls >= 1),
  primary key (caller_id, function, window_start)
);

comment on table audit.call_counts is
  'Admitted calls per caller, function and one-minute window (audit.admit_call).';

alter table audit.call_counts enable row level security;
alter table audit.call_counts force row level security;
revoke all on audit.call_counts
  from public, anon, authenticated, service_role;

-- Admits one call of `caller` to `fn` if fewer than `per_minute` were
-- admitted in the current window, and counts it. Returns whether it was
-- admitted, and if not, the whole seconds until the window ends.
--
-- Security invoker: the functions connect as the owner (`postgres`), so a
-- definer function would add no privilege they need, only a way in for a
-- role that was granted EXECUTE by mistake. The search_path is fixed so
-- that no schema on the caller's path can stand in for audit's objects.
create function audit.admit_call(caller text, fn text, per_minute integer)
returns table (
  allowed boolean,
  retry_after_seconds integer,
  calls_in_window integer,
  window_ends_at timestamptz
)
language plpgsql
set search_path = ''
as $$
declare
  this_window constant timestamptz :=
    pg_catalog.date_bin('1 minute', pg_catalog.now(), timestamptz '1970-01-01 00:00:00+00');
  window_end constant timestamptz := this_window + interval '1 minute';
  admitted integer;
begin
  if per_minute is null or per_minute < 1 then
    raise exception using
      errcode = '22023',
      message = 'audit.admit_call needs a per_minute of at least 1';
  end if;

  insert into audit.call_counts as counted (caller_id, function, window_start, calls)
  values (caller, fn, this_window, 1)
  on conflict on constraint call_counts_pkey do update
    set calls = counted.calls + 1
    where counted.calls < per_minute
  returning counted.calls into admitted;

  -- The first call of a window removes this caller's earlier windows for
  -- this function: a primary key range, usually one row, once a minute.
  if admitted = 1 then
    delete from audit.call_counts as earlier
    where earlier.caller_id = caller
      and earlier.function = fn
      and earlier.window_start < this_window;
  end if;

  allowed := admitted is not null;
  retry_after_seconds := case
    when allowed then 0
    else greatest(1, ceil(extract(epoch from window_end - pg_catalog.now()))::integer)
  end;
  calls_in_window := admitted;
  window_ends_at := window_end;
  return next;
end;
$$;

comment on function audit.admit_call(text, text, integer) is
  'Atomically admits and counts one call per caller, function and one-minute window; see the migration for the window choice.';

-- Windows of callers who stopped calling are left behind (one row each per
-- function); this removes every window that has ended. Cheap enough to run
-- with audit.purge_events from the same scheduled job.
create function audit.purge_call_counts()
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  purged bigint;
begin
  delete from audit.call_counts
  where window_start
    < pg_catalog.date_bin('1 minute', pg_catalog.now(), timestamptz '1970-01-01 00:00:00+00');
  get diagnostics purged = row_count;
  return purged;
end;
$$;

comment on function audit.purge_call_counts() is
  'Deletes quota windows that have ended; returns the count.';

revoke all on function audit.admit_call(text, text, integer)
  from public, anon, authenticated, service_role;
revoke all on function audit.purge_call_counts()
  from public, anon, authenticated, service_role;
