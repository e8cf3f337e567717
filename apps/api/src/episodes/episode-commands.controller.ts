import { Body, Controller, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { CareEpisodeCommandType } from '@careflow/domain';
import { commandOperation } from '@careflow/auth';
import { Operation, RouteDoc } from '../http';
import { commandBodySchema } from '../openapi/openapi-document';
import { commandRoutes } from './command-paths';
import { type CommandAnswer, EpisodeCommands } from './episode-commands';

type CommandHandler = (this: { commands: EpisodeCommands }, id: string, body: unknown, request: Request) => Promise<CommandAnswer>;

/**
 * POST /episodes/{id}/<command> for every command a person issues, one route each (so each has its
 * own @Operation and its own entry in the OpenAPI document), all handled by EpisodeCommands.
 */
@Controller('episodes')
export class EpisodeCommandsController {
  constructor(readonly commands: EpisodeCommands) {}
}

const handlerName = (type: CareEpisodeCommandType): string => `command${type}`;

for (const [type, path] of commandRoutes()) {
  const name = handlerName(type);
  const handler: CommandHandler = function (id, body, request) {
    return this.commands.execute(type, id, body, request);
  };
  Object.defineProperty(handler, 'name', { value: name });
  const prototype = EpisodeCommandsController.prototype as unknown as Record<string, CommandHandler>;
  prototype[name] = handler;
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name) as PropertyDescriptor;
  Param('id')(prototype, name, 0);
  Body()(prototype, name, 1);
  Req()(prototype, name, 2);
  const doc = RouteDoc({ summary: `${type}: answers the episode's new state`, body: commandBodySchema(type) });
  for (const decorate of [Post(`:id/${path}`), HttpCode(HttpStatus.OK), Operation(commandOperation(type), { action: 'update' }), doc]) {
    decorate(prototype, name, descriptor);
  }
}
