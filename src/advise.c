/* placeholder */
#include "postgres.h"
#include "fmgr.h"
PG_FUNCTION_INFO_V1(partstrat_advise);
PG_FUNCTION_INFO_V1(partstrat_report);
Datum partstrat_advise(PG_FUNCTION_ARGS) { PG_RETURN_NULL(); }
Datum partstrat_report(PG_FUNCTION_ARGS) { PG_RETURN_NULL(); }
