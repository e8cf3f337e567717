import { Inject, Injectable } from '@nestjs/common';
import type { Sql } from 'postgres';
import { defaultDepartmentSettings, type DepartmentSettings } from '@careflow/domain';
import { SQL } from '@careflow/platform';

/**
 * A department's settings (migration 0009's `departments`): the domain's defaults until an admin
 * stores its own. They are checked with departmentSettingsProblem when stored (SettingsController)
 * and again by the workflow when an episode starts.
 */
@Injectable()
export class DepartmentSettingsStore {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  async settingsOf(departmentId: string): Promise<DepartmentSettings> {
    const [row] = await this.sql<{ settings: DepartmentSettings }[]>`
      SELECT settings FROM departments WHERE department_id = ${departmentId}`;
    return row?.settings ?? defaultDepartmentSettings;
  }
}
