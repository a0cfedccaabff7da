import { eq, getTableColumns } from 'drizzle-orm';
import { createSpotInput, updateSpotInput, type CreateSpotInput, type UpdateSpotInput } from '@skatehubba/contracts';
import { attempt, parseId, parseInput, refusal, runAs, type Db, type Result, type RiderCaller } from '@skatehubba/schema-kit';
import { SPOTS_REFUSALS } from '../refusals';
import { spots, type Spot } from '../spots';
import { spotWrites } from '../writes';

const spotColumns = getTableColumns(spots);

/**
 * A rider adds a spot to the map, as its creator (`created_by` is the
 * rider, pinned by `spots_create_own_pol`). Refusals: `invalid_input`,
 * naming the field: `createSpotInput` mirrors the `spots_*_ck` CHECKs, so
 * a value they would refuse (`latitude_out_of_range`, ...) is refused here
 * first, and the CHECKs stay behind it for every other writer.
 */
export async function createSpot(db: Db, caller: RiderCaller, input: CreateSpotInput): Promise<Result<Spot>> {
  const values = parseInput(createSpotInput, input);
  if (!values.ok) return values;
  return attempt(SPOTS_REFUSALS, async () => {
    const [rows] = await runAs(db, caller, (q) => [
      q
        .insert(spotWrites)
        .values({ ...values.value, created_by: caller.rider })
        .returning(spotColumns),
    ]);
    return rows[0]!;
  });
}

/**
 * A rider edits a live spot they created. `spot_not_found`
 * (missing_reference) when there is none with that id they may edit (another
 * rider's, an archived one, or no spot at all: the policy does not say which).
 */
export async function updateSpot(db: Db, caller: RiderCaller, spotId: string, input: UpdateSpotInput): Promise<Result<Spot>> {
  const id = parseId('spot_id', spotId);
  if (!id.ok) return id;
  const values = parseInput(updateSpotInput, input);
  if (!values.ok) return values;
  return attempt(SPOTS_REFUSALS, async () => {
    const [rows] = await runAs(db, caller, (q) => [q.update(spots).set(values.value).where(eq(spots.id, id.value)).returning(spotColumns)]);
    return rows[0] ?? refusal('spot_not_found', 'missing_reference', `no live spot of yours has id ${id.value}`, { spot_id: id.value });
  });
}
