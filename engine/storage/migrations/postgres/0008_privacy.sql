-- Privacy that holds (issue 13): the twin of sqlite/0010. Shared state names users by id from
-- now on, so the stored traces written before (display names in their text) go; the cluster
-- documents are cleaned as they load (engine/sim/codec.py, format 4). forget_user's statement
-- (engine/storage/postgres_drills.py) deletes the user's nudge jobs too.
DELETE FROM traces;
