#pragma once
// SQLite's ALTER TABLE can only add columns: adding or replacing a foreign
// key, SET NOT NULL, or adding a NOT NULL column without a default rebuild the
// table (sqlite.org/lang_altertable.html#otheralter). This decides which, and
// when a rebuild would lose schema the model lacks, blocks it with a finding.

#include "lib/capabilities.h"

namespace addrmig::sqlite {

RepairSteps plan_repairs(const RepairRequest& request);

}  // namespace addrmig::sqlite
