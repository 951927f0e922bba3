import { Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Action, type AppAbility, assertCan, scopedWhere } from '@velvet/access';
import { detachKeysFromTeam, KeyInvalidations } from '@velvet/api-keys';
import { AdminActivityLog, DomainErrorKind, DomainException, NotFoundError } from '@velvet/common';
import { Repository } from 'typeorm';
import { Team } from './entities/team.entity';

const MAX_TEAMS = 500;

/** Teams of an organisation: its admin creates, renames and deletes them; members read them. */
@Injectable()
export class TeamsService {
  constructor(
    @InjectRepository(Team) private readonly teams: Repository<Team>,
    @Optional() private readonly activity?: AdminActivityLog,
    @Optional() private readonly invalidations?: KeyInvalidations,
  ) {}

  async list(ability: AppAbility, organizationId: string): Promise<Team[]> {
    const where = scopedWhere<Team>(ability, Action.Read, 'Team', { organizationId });
    if (!where) throw new NotFoundError('Organization');
    return this.teams.find({ where, order: { name: 'ASC' } });
  }

  async get(ability: AppAbility, organizationId: string, id: string): Promise<Team> {
    const where = scopedWhere<Team>(ability, Action.Read, 'Team', { organizationId, id });
    const team = where && (await this.teams.findOne({ where }));
    if (!team) throw new NotFoundError('Team');
    return team;
  }

  async create(
    ability: AppAbility,
    actorUserId: string,
    organizationId: string,
    name: string,
  ): Promise<Team> {
    assertCan(ability, Action.Create, 'Team', { organizationId });
    const clean = teamName(name);
    if ((await this.teams.count({ where: { organizationId } })) >= MAX_TEAMS)
      throw new DomainException(
        DomainErrorKind.Invalid,
        'too_many_teams',
        `At most ${MAX_TEAMS} teams.`,
      );
    return this.teams.manager.transaction(async (tx) => {
      const team = await tx
        .save(this.teams.create({ organizationId, name: clean }))
        .catch(nameTaken);
      await this.record(actorUserId, organizationId, 'team.created', team);
      return team;
    });
  }

  async rename(
    ability: AppAbility,
    actorUserId: string,
    organizationId: string,
    id: string,
    name: string,
  ): Promise<Team> {
    const team = await this.get(ability, organizationId, id);
    assertCan(ability, Action.Update, 'Team', team);
    team.name = teamName(name);
    return this.teams.manager.transaction(async (tx) => {
      await tx.update(Team, { id }, { name: team.name }).catch(nameTaken);
      await this.record(actorUserId, organizationId, 'team.renamed', team);
      return team;
    });
  }

  /** The team's keys stay, without a team (their own and the organisation's limits still apply). */
  async remove(
    ability: AppAbility,
    actorUserId: string,
    organizationId: string,
    id: string,
  ): Promise<void> {
    const team = await this.get(ability, organizationId, id);
    assertCan(ability, Action.Delete, 'Team', team);
    const keys = await this.teams.manager.transaction(async (tx) => {
      const moved = await detachKeysFromTeam(tx, id);
      await tx.delete(Team, { id });
      await this.record(actorUserId, organizationId, 'team.deleted', team);
      return moved;
    });
    for (const k of keys) await this.invalidations?.key(k);
  }

  private record(actorUserId: string, organizationId: string, action: string, team: Team) {
    return this.activity?.record({
      actorUserId,
      organizationId,
      action,
      subjectType: 'Team',
      subjectId: team.id,
      details: { name: team.name },
    });
  }
}

function teamName(name: string): string {
  const clean = typeof name === 'string' ? name.trim() : '';
  // eslint-disable-next-line no-control-regex -- control characters (NUL included) are what it refuses
  if (!clean || clean.length > 100 || /[\u0000-\u001f\u007f]/.test(clean))
    throw new DomainException(
      DomainErrorKind.Invalid,
      'invalid_team_name',
      'A team name is 1-100 printable characters.',
    );
  return clean;
}

function nameTaken(error: { code?: string }): never {
  if (error.code === '23505')
    throw new DomainException(
      DomainErrorKind.Conflict,
      'team_name_taken',
      'The organisation already has a team of that name.',
    );
  throw error;
}
