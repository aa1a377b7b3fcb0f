/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the results database: the SQLite handle, which only the db
 * layer's files (db.c, summary.c) and its unit test touch.  Everything
 * else holds a struct db pointer and calls db.h.
 */
#ifndef RACERIG_DB_IMPL_H
#define RACERIG_DB_IMPL_H

#include <sqlite3.h>

struct db {
	sqlite3		*h;
};

#endif
