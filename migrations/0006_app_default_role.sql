-- A connection of the API's login with no rider set is an anonymous request:
-- it starts as `anonymous`, so public reads (feeds, leaderboards, spots near
-- me) need no transaction to switch the role in, and a forgotten asRider()
-- reads only what anonymous may instead of nothing or everything. asRider()
-- still switches to `authenticated` per transaction (SET ROLE is checked
-- against the login, a member of both), and RESET ROLE returns here.
ALTER ROLE skatehubba_app SET role = 'anonymous';
