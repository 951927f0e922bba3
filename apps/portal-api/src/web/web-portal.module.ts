import { Controller, type DynamicModule, Get, Module, Redirect } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@velvet/access';

/** Where the single-page portal lives. A path of its own, so no page URL can shadow an API route. */
export const WEB_ROOT = '/app';

@ApiExcludeController()
@Controller()
export class WebRootController {
  /** People open the bare address; send them to the portal. */
  @Public()
  @Get()
  @Redirect(`${WEB_ROOT}/`, 302)
  root() {}
}

/**
 * Serves the built web portal (apps/web/dist) under /app when WEB_DIST_DIR is set. Nest's
 * routes are registered before the static handler, so the API always wins; unknown paths under
 * /app fall back to index.html for client-side routing.
 */
@Module({})
export class WebPortalModule {
  static forRoot(distDir: string | undefined): DynamicModule {
    if (!distDir) return { module: WebPortalModule };
    return {
      module: WebPortalModule,
      imports: [ServeStaticModule.forRoot({ rootPath: distDir, serveRoot: WEB_ROOT })],
      controllers: [WebRootController],
    };
  }
}
