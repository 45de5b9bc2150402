package routes.api;

import org.apache.camel.Header;
import routes.job.JobActivity;
import routes.project.ProjectStore;

/** {@code GET /api/projects/{project_id}/ingest/activity}: the project's jobs finished per minute, last hour. */
public final class ActivityApi {

    private final ProjectStore projects;
    private final JobActivity activity;

    public ActivityApi(ProjectStore projects, JobActivity activity) {
        this.projects = projects;
        this.activity = activity;
    }

    public JobActivity.LastHour lastHour(@Header("project_id") String projectId) {
        return activity.lastHour(projects.require(projectId).id());
    }
}
