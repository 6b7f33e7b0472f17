# partstrat — PGXS build
#
#   make && make install                 build and install (as root)
#   make installcheck                    pg_regress + isolation on a throwaway
#                                        temp instance (as the postgres OS user)
#   make prove_installcheck              TAP tests under test/t
#   bash test/run-all.sh                 everything, from a fresh machine

EXTENSION = partstrat
MODULE_big = partstrat
# src/ is laid out by layer: catalog/ (the tree read from the catalogs),
# analysis/ (skew measures), ddl/ (the script toolkit and the generators),
# advise/ (findings ranked into actions), pruning/ (plans and workload),
# sql/ (SQL-callable surface), util/ (subtransactions, acting as the owner).
SRC_DIRS = catalog analysis ddl advise pruning sql util maintenance watch
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c $(foreach d,$(SRC_DIRS),src/$(d)/*.c))))
DATA = $(wildcard sql/partstrat--*.sql)

PG_CONFIG ?= pg_config
PG_CPPFLAGS += -I$(srcdir)/src $(foreach d,$(SRC_DIRS),-I$(srcdir)/src/$(d))
PG_CFLAGS += -Wall -Wextra -Wno-unused-parameter

# install runs first (it drops and recreates the extension); every other
# sql/<name>.sql is a test of its own, in name order.  PS_TESTS narrows it.
ALL_REGRESS = install $(filter-out install,$(patsubst sql/%.sql,%,$(sort $(filter-out sql/partstrat--%,$(wildcard sql/*.sql)))))
REGRESS = $(if $(PS_TESTS),$(PS_TESTS),$(ALL_REGRESS))
REGRESS_OPTS = --inputdir=. --outputdir=. --temp-instance=tmp_regress \
	--temp-config=$(srcdir)/test/regress.conf

# isolation specs: specs/<name>.spec, outputs in expected/<name>.out
ISOLATION = $(if $(PS_TESTS),,$(patsubst specs/%.spec,%,$(sort $(wildcard specs/*.spec))))
ISOLATION_OPTS = --temp-instance=tmp_isolation --temp-config=$(srcdir)/test/regress.conf

# TAP tests must be enabled before PGXS is included.
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

EXTRA_CLEAN = tmp_regress tmp_check results regression.diffs regression.out \
	output_iso tmp_isolation log

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every object depends on the shared headers
$(OBJS): $(wildcard src/*.h src/*/*.h)
